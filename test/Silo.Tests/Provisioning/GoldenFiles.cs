namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

/// <summary>
/// The expected ScaledObjects in <c>test/Silo.Tests/Provisioning/Golden/</c>, read from the source tree (found by
/// walking up from the test binaries) so they are edited in one place and need no copy step.
/// </summary>
internal static class GoldenFiles
{
    private static readonly Lazy<string> s_folder = new(Locate);

    public static string Text(string name) => File.ReadAllText(Path.Combine(s_folder.Value, name)).ReplaceLineEndings("\n");

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "test", "Silo.Tests", "Provisioning", "Golden");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"test/Silo.Tests/Provisioning/Golden not found above {AppContext.BaseDirectory}");
    }
}
