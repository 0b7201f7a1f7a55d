namespace OrleansKaitoScaler.TestSupport;

/// <summary>
/// The permissions table of <c>charts/orleans-kaito-scaler/rbac-verbs.md</c>, as <c>"Role group/resource verb"</c>
/// strings (<c>Role</c> or <c>ClusterRole</c>; the core group is empty). The chart tests hold the chart to it and
/// the integration tests hold the code to it.
/// </summary>
public static class RbacVerbs
{
    /// <summary>Every granted verb the table lists.</summary>
    public static SortedSet<string> Documented()
    {
        var rows = File.ReadAllLines(FilePath())
            .Where(l => l.StartsWith("| Role", StringComparison.Ordinal) || l.StartsWith("| ClusterRole", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries)[1..^1])
            .ToList();
        if (rows.Count == 0)
        {
            throw new InvalidDataException($"{FilePath()} has no Role or ClusterRole rows");
        }

        return new(rows.SelectMany(cells =>
        {
            var kind = cells[0].Split(' ')[0];
            var group = cells[1].Trim('`').Replace("\"\"", "", StringComparison.Ordinal);
            var resource = cells[2].Trim('`');
            return cells[3].Split(',', StringSplitOptions.TrimEntries).Select(v => $"{kind} {group}/{resource} {v}");
        }), StringComparer.Ordinal);
    }

    /// <summary>The table's path in this checkout (found by walking up to <c>OrleansKaitoScaler.sln</c>).</summary>
    public static string FilePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansKaitoScaler.sln")))
            {
                return Path.Combine(dir.FullName, "charts", "orleans-kaito-scaler", "rbac-verbs.md");
            }
        }

        throw new DirectoryNotFoundException($"OrleansKaitoScaler.sln not found above {AppContext.BaseDirectory}");
    }
}
