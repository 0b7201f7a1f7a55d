namespace OrleansKaitoScaler.Silo.Membership;

/// <summary>One silo's vote that another is dead, as stored in a <see cref="MembershipRow"/>.</summary>
/// <param name="Silo">The voter, in Orleans' parsable form.</param>
/// <param name="Time">When it voted.</param>
internal sealed record SuspectVote(string Silo, DateTime Time);
