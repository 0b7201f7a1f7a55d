namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>Tests that measure timing against an outside process run with no other test class beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone";
}
