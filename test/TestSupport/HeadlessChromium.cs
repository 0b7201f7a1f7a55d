using System.Diagnostics;

namespace OrleansKaitoScaler.TestSupport;

/// <summary>
/// Debian's Chromium, headless, with the flags this closed network needs (no background networking, no
/// component updates), driven from its command line: the DOM after scripts ran, or a screenshot.
/// </summary>
public static class HeadlessChromium
{
    public static string Executable =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Chromium is not installed (Debian package 'chromium'; ./test.sh installs it)");

    /// <summary>The DOM of <paramref name="url"/> after up to <paramref name="scriptMilliseconds"/> of (virtual) script time.</summary>
    public static Task<string> DumpDomAsync(Uri url, int scriptMilliseconds = 5000) =>
        RunAsync($"--virtual-time-budget={scriptMilliseconds} --dump-dom {url}");

    /// <summary>Saves a 1280×800 screenshot of <paramref name="url"/> to <paramref name="path"/>.</summary>
    public static async Task ScreenshotAsync(Uri url, string path, int scriptMilliseconds = 5000)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await RunAsync($"--window-size=1280,800 --virtual-time-budget={scriptMilliseconds} --screenshot={path} {url}");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Chromium wrote no screenshot to {path}");
        }
    }

    /// <summary><c>test/artifacts/</c> of the checkout (git-ignored), where screenshots go.</summary>
    public static string ArtifactsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansKaitoScaler.sln")))
            {
                return Path.Combine(dir.FullName, "test", "artifacts");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "artifacts");
    }

    private static async Task<string> RunAsync(string arguments)
    {
        var profile = Directory.CreateTempSubdirectory("oks-chromium-");
        try
        {
            var start = new ProcessStartInfo(
                Executable,
                $"--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir={profile.FullName} {arguments}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            _ = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return await output;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
