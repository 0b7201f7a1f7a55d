namespace OrleansKaitoScaler.GrpcGateway.Tests.Gateway;

public sealed class KedaMetricNameTests
{
    [Theory]
    [InlineData("vllm:num_requests_waiting", "vllm:num_requests_waiting")]
    [InlineData("s0-vllm:num_requests_waiting", "vllm:num_requests_waiting")]
    [InlineData("s17-vllm:num_requests_waiting", "vllm:num_requests_waiting")]
    [InlineData("s0-", "")]
    [InlineData("s-vllm", "s-vllm")]
    [InlineData("sx-vllm", "sx-vllm")]
    [InlineData("s0vllm", "s0vllm")]
    [InlineData("system_load", "system_load")]
    [InlineData("vllm:s0-x", "vllm:s0-x")]
    [InlineData("", "")]
    public void Only_a_leading_KEDA_trigger_index_prefix_is_removed(string name, string expected) =>
        Assert.Equal(expected, KedaMetricName.WithoutTriggerIndex(name));
}
