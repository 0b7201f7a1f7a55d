namespace OrleansKaitoScaler.TestSupport;

/// <summary>
/// Locates <c>shared/fixtures/</c>, which sits beside the repository checkout (<c>../shared</c>).
/// Tests read fixtures from disk at run time; nothing is pasted into the repository.
/// Set <c>OKS_FIXTURES</c> to point elsewhere.
/// </summary>
public static class Fixtures
{
    private static readonly Lazy<string> s_root = new(Locate);

    /// <summary>The absolute path of the fixtures folder.</summary>
    public static string Root => s_root.Value;

    /// <summary>The absolute path of a file or folder below the fixtures folder.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>The bytes of a fixture file.</summary>
    public static byte[] Bytes(params string[] parts) => File.ReadAllBytes(Path(parts));

    /// <summary>The text of a fixture file.</summary>
    public static string Text(params string[] parts) => File.ReadAllText(Path(parts));

    private static string Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable("OKS_FIXTURES");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return Directory.Exists(fromEnv)
                ? System.IO.Path.GetFullPath(fromEnv)
                : throw new DirectoryNotFoundException($"OKS_FIXTURES points at '{fromEnv}', which does not exist");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "fixtures");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"shared/fixtures not found above {AppContext.BaseDirectory}; check out the repository beside shared/ or set OKS_FIXTURES");
    }
}
