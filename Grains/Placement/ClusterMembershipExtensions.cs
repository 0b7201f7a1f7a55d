namespace OrleansKaitoScaler.Grains.Placement;

/// <summary>What the window copies need to know of the cluster: whether there is anywhere else to keep one.</summary>
internal static class ClusterMembershipExtensions
{
    /// <summary>True when a silo other than <paramref name="silo"/> is active in the current membership snapshot.</summary>
    public static bool HasActiveSiloBesides(this IClusterMembershipService membership, SiloAddress silo)
    {
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Active && !member.SiloAddress.Equals(silo))
            {
                return true;
            }
        }

        return false;
    }
}
