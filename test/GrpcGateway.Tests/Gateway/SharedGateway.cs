namespace OrleansKaitoScaler.GrpcGateway.Tests.Gateway;

/// <summary>Gateway test classes share one host: starting a silo is the slow part of the suite.</summary>
[CollectionDefinition(Name)]
public sealed class SharedGateway : ICollectionFixture<GatewayHost>
{
    public const string Name = "gateway";
}
