using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace VideoRec.Api;

/// <summary>Parses query-string values, reporting problems by parameter name.</summary>
public static class QueryParameters
{
    /// <summary>
    /// Parses an optional integer parameter: absent gives <c>null</c>; repeated, empty or non-integer values give an
    /// error message for <paramref name="name"/>.
    /// </summary>
    /// <param name="values">The raw values of the parameter.</param>
    /// <param name="name">The parameter name, for the message.</param>
    /// <param name="value">The parsed value, when present and valid.</param>
    /// <param name="error">The problem, when invalid.</param>
    /// <returns>Whether the parameter was absent or valid.</returns>
    public static bool TryParseOptionalInt(StringValues values, string name, out int? value, out string? error)
    {
        value = null;
        error = null;
        if (values.Count == 0)
        {
            return true;
        }

        if (values.Count > 1)
        {
            error = $"{name} must be given once.";
            return false;
        }

        if (!int.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            error = $"{name} must be an integer, found '{Truncate(values[0])}'.";
            return false;
        }

        value = parsed;
        return true;
    }

    /// <summary>Parses an optional text parameter: absent or empty gives <c>null</c>; a repeated parameter gives an error for <paramref name="name"/>.</summary>
    /// <param name="values">The raw values of the parameter.</param>
    /// <param name="name">The parameter name, for the message.</param>
    /// <param name="value">The value, when present.</param>
    /// <param name="error">The problem, when invalid.</param>
    /// <returns>Whether the parameter was absent or valid.</returns>
    public static bool TryParseOptionalText(StringValues values, string name, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (values.Count > 1)
        {
            error = $"{name} must be given once.";
            return false;
        }

        value = values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
        return true;
    }

    /// <summary>Parses an optional flag: absent gives <c>false</c>; <c>true</c>/<c>false</c>/<c>1</c>/<c>0</c> (any case) are accepted; anything else, or a repeat, is an error for <paramref name="name"/>.</summary>
    /// <param name="values">The raw values of the parameter.</param>
    /// <param name="name">The parameter name, for the message.</param>
    /// <param name="value">The flag.</param>
    /// <param name="error">The problem, when invalid.</param>
    /// <returns>Whether the parameter was absent or valid.</returns>
    public static bool TryParseFlag(StringValues values, string name, out bool value, out string? error)
    {
        value = false;
        error = null;
        if (values.Count == 0)
        {
            return true;
        }

        if (values.Count > 1)
        {
            error = $"{name} must be given once.";
            return false;
        }

        switch (values[0]?.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "":
                value = true;
                return true;
            case "false" or "0":
                return true;
            default:
                error = $"{name} must be true or false, found '{Truncate(values[0])}'.";
                return false;
        }
    }

    private static string Truncate(string? text) => text is null ? "" : text.Length <= 32 ? text : text[..32] + "…";
}
