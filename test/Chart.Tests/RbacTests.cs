using OrleansKaitoScaler.TestSupport;
using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.Chart.Tests;

/// <summary>The Role and ClusterRole grant exactly what <c>rbac-verbs.md</c> lists, whatever the values.</summary>
public sealed class RbacTests
{
    [Fact]
    public void The_rendered_Role_and_ClusterRole_grant_exactly_the_verbs_rbac_verbs_md_lists()
    {
        var documented = DocumentedGrants();

        Assert.Equal(documented, Grants(Helm.Template()));
        Assert.Contains("Role coordination.k8s.io/leases update", documented);
        Assert.Contains("ClusterRole keda.sh/scaledobjects delete", documented);
    }

    [Fact]
    public void Events_are_granted_cluster_wide_because_they_go_to_each_InferenceSets_namespace()
    {
        var grants = Grants(Helm.Template());

        Assert.Contains("ClusterRole /events create", grants);
        Assert.Contains("ClusterRole /events patch", grants);
        Assert.DoesNotContain(grants, g => g.StartsWith("Role /events", StringComparison.Ordinal));
    }

    [Fact]
    public void Nothing_is_granted_that_no_code_calls()
    {
        var grants = Grants(Helm.Template());

        Assert.DoesNotContain(grants, g => g.EndsWith(" *", StringComparison.Ordinal) || g.Contains("/*", StringComparison.Ordinal));
        Assert.DoesNotContain(grants, g => g.Contains("/services ", StringComparison.Ordinal) || g.EndsWith(" delete", StringComparison.Ordinal) && !g.Contains("/scaledobjects ", StringComparison.Ordinal));
        Assert.DoesNotContain("ClusterRole /pods list", grants);
        Assert.DoesNotContain("ClusterRole kaito.sh/inferencesets get", grants);
        Assert.DoesNotContain("ClusterRole /secrets get", grants);
        Assert.DoesNotContain("ClusterRole keda.sh/scaledobjects watch", grants);
    }

    [Theory]
    [MemberData(nameof(ChartDefaultsTests.ValuesFiles), MemberType = typeof(ChartDefaultsTests))]
    public void No_values_file_changes_the_verbs_and_the_bindings_name_the_pods_ServiceAccount(string? valuesFile)
    {
        var chart = Helm.Template(valuesFile);

        Assert.Equal(DocumentedGrants(), Grants(chart));
        var account = (string)chart.PodSpec["serviceAccountName"]!;
        var role = chart.Single("Role");
        var clusterRole = chart.Single("ClusterRole");
        Assert.Equal(RenderedChart.Name(role), (string?)chart.Single("RoleBinding")["roleRef"]!["name"]);
        Assert.Equal(RenderedChart.Name(clusterRole), (string?)chart.Single("ClusterRoleBinding")["roleRef"]!["name"]);
        Assert.All([chart.Single("RoleBinding"), chart.Single("ClusterRoleBinding")], binding =>
        {
            var subject = Assert.Single(binding["subjects"]!.AsArray())!;
            Assert.Equal(("ServiceAccount", account, Helm.Namespace), ((string?)subject["kind"], (string?)subject["name"], (string?)subject["namespace"]));
        });
    }

    [Fact]
    public void Two_releases_in_different_namespaces_never_share_a_ClusterRole()
    {
        var names = new[] { "keda", "keda-canary" }
            .Select(ns => RenderedChart.Name(Helm.Template(@namespace: ns).Single("ClusterRole")));

        Assert.Equal(2, names.Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>"Role group/resource verb" for each verb the rendered Role and ClusterRole grant.</summary>
    private static SortedSet<string> Grants(RenderedChart chart) =>
        new(new[] { "Role", "ClusterRole" }.SelectMany(kind => chart.Single(kind)["rules"]!.AsArray().SelectMany(rule =>
            from g in Strings(rule!["apiGroups"])
            from r in Strings(rule!["resources"])
            from v in Strings(rule!["verbs"])
            select $"{kind} {g}/{r} {v}")), StringComparer.Ordinal);

    /// <summary>The same strings from the table in <c>rbac-verbs.md</c>.</summary>
    private static SortedSet<string> DocumentedGrants() => RbacVerbs.Documented();

    private static IEnumerable<string> Strings(JsonNode? list) => list!.AsArray().Select(n => (string)n!);
}
