using System.Diagnostics;

namespace VideoRec.Cli.Infrastructure;

/// <summary>The process's peak resident memory.</summary>
public static class PeakMemory
{
    /// <summary>Peak resident set size in MiB: VmHWM from /proc/self/status on Linux, else the runtime's peak working set.</summary>
    public static double Megabytes()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            foreach (var line in File.ReadLines(status))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kilobytes = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    return kilobytes / 1024.0;
                }
            }
        }

        return Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
    }
}
