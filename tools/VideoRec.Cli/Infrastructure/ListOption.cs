using System.Globalization;

namespace VideoRec.Cli.Infrastructure;

/// <summary>Parses comma-separated option values such as <c>--seeds 42,43,44</c>.</summary>
public static class ListOption
{
    public static int[] Ints(string text, string option) => Distinct(Parse(text, option, s =>
        int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null as int?), option);

    public static float[] Floats(string text, string option) => Distinct(Parse(text, option, s =>
        float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && float.IsFinite(v) ? v : null as float?), option);

    private static T[] Distinct<T>(T[] values, string option) =>
        values.Distinct().Count() == values.Length ? values : throw new CliException($"{option}: '{string.Join(",", values)}' repeats a value; give each once.");

    private static T[] Parse<T>(string text, string option, Func<string, T?> parse) where T : struct
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new T[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            values[i] = parse(parts[i]) ?? throw new CliException($"{option}: '{parts[i]}' is not a valid {(typeof(T) == typeof(int) ? "integer" : "number")} (expected a comma-separated list such as 1,2,3).");
        }

        return values;
    }
}
