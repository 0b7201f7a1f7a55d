using System.Globalization;

namespace OrleansKaitoScaler.Fleet.Load;

/// <summary>A process's CPU time and peak resident set, read from <c>/proc</c> (Linux).</summary>
internal static class ProcStat
{
    /// <summary>Clock ticks per second of <c>/proc/&lt;pid&gt;/stat</c>'s times (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>utime + stime of <paramref name="pid"/>, seconds.</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");

        // The command name (field 2) may hold blanks; fields after its closing parenthesis are fixed: utime is 14th, stime 15th.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>VmHWM of <paramref name="pid"/>, bytes.</summary>
    public static long PeakRssBytes(int pid) => StatusField(pid, "VmHWM:");

    /// <summary>VmRSS of <paramref name="pid"/>, bytes.</summary>
    public static long RssBytes(int pid) => StatusField(pid, "VmRSS:");

    /// <summary>The process whose command line contains <paramref name="text"/> (e.g. a unique config path), or null.</summary>
    public static int? FindByCommandLine(string text)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(text, StringComparison.Ordinal))
                {
                    return pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Exited meanwhile, or not ours to read.
            }
        }

        return null;
    }

    private static long StatusField(int pid, string name)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(name, StringComparison.Ordinal))
            {
                // "VmHWM:	  123456 kB"
                return long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no {name}");
    }
}
