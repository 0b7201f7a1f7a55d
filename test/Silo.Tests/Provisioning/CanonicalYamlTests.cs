using System.Text.Json.Nodes;
using OrleansKaitoScaler.Silo.Provisioning;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

public sealed class CanonicalYamlTests
{
    [Fact]
    public void Keys_are_sorted_so_equal_objects_read_the_same_whatever_their_key_order()
    {
        var a = JsonNode.Parse("""{"b":1,"a":{"d":true,"c":null,"D":0}}""");
        var b = JsonNode.Parse("""{"a":{"c":null,"D":0,"d":true},"b":1}""");

        Assert.Equal("a:\n  D: 0\n  c: null\n  d: true\nb: 1\n", CanonicalYaml.Write(a));
        Assert.Equal(CanonicalYaml.Write(a), CanonicalYaml.Write(b));
    }

    [Fact]
    public void List_items_sit_at_their_keys_indent_with_a_mappings_first_key_on_the_dash_line()
    {
        var node = JsonNode.Parse("""{"items":[{"b":2,"a":[1,2]},"text",[],{}]}""");

        Assert.Equal("items:\n- a:\n  - 1\n  - 2\n  b: 2\n- text\n- []\n- {}\n", CanonicalYaml.Write(node));
    }

    [Theory]
    [InlineData("phi-4", "phi-4")]
    [InlineData("keda.sh/v1alpha1", "keda.sh/v1alpha1")]
    [InlineData("vllm:num_requests_waiting", "vllm:num_requests_waiting")]
    [InlineData("10", "\"10\"")]
    [InlineData("0.1", "\"0.1\"")]
    [InlineData("true", "\"true\"")]
    [InlineData("No", "\"No\"")]
    [InlineData("null", "\"null\"")]
    [InlineData("", "\"\"")]
    [InlineData("key:", "\"key:\"")]
    [InlineData("a: b", "\"a: b\"")]
    [InlineData("-x", "\"-x\"")]
    [InlineData("y", "\"y\"")]
    [InlineData("5f0c7a84-0000", "\"5f0c7a84-0000\"")]
    [InlineData("say \"hi\"\n", "\"say \\\"hi\\\"\\n\"")]
    public void Strings_are_plain_only_when_YAML_would_read_them_back_as_the_same_string(string text, string yaml)
    {
        Assert.Equal($"v: {yaml}\n", CanonicalYaml.Write(new JsonObject { ["v"] = text }));
    }

    [Fact]
    public void What_it_writes_reads_back_as_the_same_JSON()
    {
        var node = JsonNode.Parse("""
            {"s":"10","n":10,"f":0.5,"b":false,"z":null,"q":"a: b # c","l":[{"k":"v","m":["x"]}],"e":{},"u":"naïve"}
            """);

        Assert.True(JsonNode.DeepEquals(node, YamlToJson.Convert(CanonicalYaml.Write(node))), CanonicalYaml.Write(node));
    }
}
