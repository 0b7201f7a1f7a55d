using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using OrleansKaitoScaler.Grains.State;
using OrleansKaitoScaler.Silo.State;

namespace OrleansKaitoScaler.Silo.Tests.State;

public sealed class StateQueryTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static InferenceSetState State(int i) => new(
        $"team-{i % 10}",
        $"model-{i:D4}",
        "S127.0.0.1:11111:1",
        Ready: i % 3 != 0,
        Replicas: 2,
        ReadyReplicas: 2,
        [new EndpointState("a", "h:1", Ok: i % 7 != 0, 3, 40_000, i % 7 == 0 ? "HTTP 503" : null)],
        [new TriggerState("vllm:num_requests_waiting", "sum", 10, "ok", i % 50, (int)Math.Ceiling(i % 50 / 10.0), null, [])],
        1,
        0,
        s_now,
        100,
        s_now);

    private static StateQuery Query(string query) =>
        StateQuery.From(new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query)));

    private static readonly IReadOnlyList<InferenceSetState> s_fleet = Enumerable.Range(0, 5000).Select(State).ToArray();

    [Fact]
    public void Pages_a_fleet_of_5000_InferenceSets()
    {
        var page = Query("?page=3&pageSize=100").Apply(s_fleet, s => s);

        Assert.Equal(5000, page.Total);
        Assert.Equal(100, page.Items.Count);
        Assert.Equal("model-0200", page.Items[0].Name);
    }

    [Fact]
    public void Filters_by_namespace_and_state()
    {
        var page = Query("?namespace=team-3&state=not-ready&pageSize=500").Apply(s_fleet, s => s);

        Assert.All(page.Items, s => Assert.Equal("team-3", s.Namespace));
        Assert.All(page.Items, s => Assert.False(s.Ready));
        Assert.Equal(s_fleet.Count(s => s.Namespace == "team-3" && !s.Ready), page.Total);
    }

    [Fact]
    public void Sorts_the_InferenceSets_wanting_most_replicas_first()
    {
        var page = Query("?sort=desired&pageSize=5").Apply(s_fleet, s => s);

        Assert.All(page.Items, s => Assert.Equal(5, s.Triggers[0].DesiredReplicas));
    }

    [Fact]
    public void Errors_filter_finds_only_InferenceSets_with_a_failing_endpoint()
    {
        var page = Query("?state=errors&pageSize=500").Apply(s_fleet, s => s);

        Assert.Equal(s_fleet.Count(s => s.HasErrors), page.Total);
        Assert.All(page.Items, s => Assert.True(s.HasErrors));
    }

    [Theory]
    [InlineData("?page=-1&pageSize=0", 1, 100)]
    [InlineData("?pageSize=100000", 1, StateQuery.MaxPageSize)]
    [InlineData("?sort=bogus&state=bogus", 1, 100)]
    public void Odd_parameters_fall_back_to_safe_defaults(string query, int page, int pageSize)
    {
        var parsed = Query(query);

        Assert.Equal(page, parsed.Page);
        Assert.Equal(pageSize, parsed.PageSize);
        Assert.Equal("name", parsed.Sort);
        Assert.Null(parsed.State);
    }
}
