using OrleansKaitoScaler.Silo.Provisioning;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

public sealed class FormulaVariableTests
{
    [Theory]
    [InlineData("vllm:num_requests_waiting", "vllm_num_requests_waiting")]
    [InlineData("vllm:request_queue_time_seconds", "vllm_request_queue_time_seconds")]
    [InlineData("Already_Valid_123", "Already_Valid_123")]
    [InlineData("a.b-c/d e", "a_b_c_d_e")]
    [InlineData("métrica", "m_trica")]
    [InlineData("gpu😀load", "gpu_load")]
    public void Every_character_outside_letters_digits_and_underscore_becomes_an_underscore(string metricName, string variable)
    {
        Assert.Equal(variable, FormulaVariable.FromMetricName(metricName));
    }

    [Theory]
    [InlineData("2xx_rate", "_2xx_rate")]
    [InlineData("9", "_9")]
    [InlineData("a2", "a2")]
    [InlineData(":9", "_9")]
    public void A_leading_digit_gets_an_underscore_prefix(string metricName, string variable)
    {
        Assert.Equal(variable, FormulaVariable.FromMetricName(metricName));
    }
}
