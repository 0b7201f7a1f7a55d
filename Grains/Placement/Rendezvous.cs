using System.Text;

namespace OrleansKaitoScaler.Grains.Placement;

/// <summary>
/// Rendezvous (highest-random-weight) hashing: each key goes to the silo whose hash with the key is highest. Keys
/// spread evenly, and when a silo joins or leaves only the keys it wins or held change silo.
/// </summary>
public static class Rendezvous
{
    public static SiloAddress Choose(string key, IReadOnlyList<SiloAddress> silos)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(silos);
        if (silos.Count == 0)
        {
            throw new ArgumentException("there is no silo to choose from", nameof(silos));
        }

        var keyHash = Fnv1a(Encoding.UTF8.GetBytes(key), 14695981039346656037UL);
        SiloAddress best = silos[0];
        var bestWeight = 0UL;
        foreach (var silo in silos)
        {
            var weight = Mix(Fnv1a(Encoding.UTF8.GetBytes(silo.ToParsableString()), keyHash));
            if (weight > bestWeight || (weight == bestWeight && silo.CompareTo(best) < 0))
            {
                (best, bestWeight) = (silo, weight);
            }
        }

        return best;
    }

    private static ulong Fnv1a(ReadOnlySpan<byte> bytes, ulong hash)
    {
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>A finaliser (splitmix64) so that keys differing in one character spread over every silo.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}
