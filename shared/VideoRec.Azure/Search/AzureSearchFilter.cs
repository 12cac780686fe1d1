using System.Globalization;
using System.Text;
using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Azure.Search;

/// <summary>
/// Translates <see cref="VectorSearchFilter"/> into an OData <c>$filter</c> over the <see cref="AzureSearchIndexSchema"/>
/// fields that selects exactly the documents <see cref="VectorSearchFilter.Matches"/> passes, given documents written by
/// <see cref="AzureSearchVectorIndex"/>:
/// <list type="bullet">
/// <item>not <see cref="VectorSearchFilter.IncludeHidden"/>: <c>hidden eq false</c>;</item>
/// <item>a language: <c>(language eq 'X' or language eq null)</c>; both sides are folded with
/// <see cref="Fold"/> (upper case, invariant), which is what <see cref="StringComparison.OrdinalIgnoreCase"/> compares;</item>
/// <item>a country: <c>(allowedEverywhere eq true or regions/any(r: r eq 'X'))</c>, folded the same way, since an empty
/// region list means everywhere;</item>
/// <item>an upload window: <c>uploadedAtTicks ge F</c> and <c>uploadedAtTicks lt B</c> on the exact UTC ticks (the
/// service keeps <c>Edm.DateTimeOffset</c> to the millisecond only); a document without an upload time has a null
/// there, which no comparison passes;</item>
/// <item>excluded ids: <c>not search.in(id, 'k1,k2', ',')</c> on the encoded keys (<see cref="AzureSearchKeys"/>),
/// whose alphabet has neither the comma nor a quote, so any id is safe in the list (ids compare ordinally, as in a
/// default <see cref="HashSet{T}"/>; ids no video can have are dropped).</item>
/// </list>
/// Clauses are joined with <c>and</c>; string literals double their single quotes.
/// </summary>
public static class AzureSearchFilter
{
    /// <summary>The folding applied to stored and queried language and region values: upper case, invariant culture.</summary>
    /// <param name="value">A language or region code.</param>
    public static string Fold(string value) => value.ToUpperInvariant();

    /// <summary>The OData filter for <paramref name="filter"/>, or <c>null</c> when it restricts nothing (hidden videos included, nothing else).</summary>
    /// <param name="filter">The restrictions; <c>null</c> means <see cref="VectorSearchFilter.None"/>.</param>
    public static string? Build(VectorSearchFilter? filter)
    {
        filter ??= VectorSearchFilter.None;
        var clauses = new List<string>();
        if (!filter.IncludeHidden)
        {
            clauses.Add($"{AzureSearchIndexSchema.Hidden} eq false");
        }

        if (filter.Language is { } language)
        {
            clauses.Add($"({AzureSearchIndexSchema.Language} eq {Literal(Fold(language))} or {AzureSearchIndexSchema.Language} eq null)");
        }

        if (filter.Country is { } country)
        {
            clauses.Add($"({AzureSearchIndexSchema.AllowedEverywhere} eq true or {AzureSearchIndexSchema.Regions}/any(r: r eq {Literal(Fold(country))}))");
        }

        if (filter.UploadedFrom is { } from)
        {
            clauses.Add(string.Create(CultureInfo.InvariantCulture, $"{AzureSearchIndexSchema.UploadedAtTicks} ge {from.UtcTicks}"));
        }

        if (filter.UploadedBefore is { } before)
        {
            clauses.Add(string.Create(CultureInfo.InvariantCulture, $"{AzureSearchIndexSchema.UploadedAtTicks} lt {before.UtcTicks}"));
        }

        // Ids no video can have (empty, too long, invalid Unicode) are left out: excluding them changes nothing.
        var excluded = filter.ExcludedVideoIds?.Select(AzureSearchKeys.TryEncode).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        if (excluded is { Length: > 0 })
        {
            clauses.Add($"not {In(AzureSearchIndexSchema.Key, excluded)}");
        }

        return clauses.Count == 0 ? null : string.Join(" and ", clauses);
    }

    /// <summary><c>search.in(field, 'a,b', ',')</c> over document keys (whose alphabet has no comma and no quote).</summary>
    internal static string In(string field, IEnumerable<string> keys)
    {
        var list = new StringBuilder();
        foreach (var key in keys)
        {
            if (key.AsSpan().IndexOfAny(",' ") >= 0)
            {
                throw new ArgumentException($"'{key}' is not an encoded key.", nameof(keys));
            }

            list.Append(list.Length == 0 ? "" : ",").Append(key);
        }

        return $"search.in({field}, '{list}', ',')";
    }

    /// <summary>An OData string literal: the text in single quotes, each single quote doubled.</summary>
    /// <param name="value">Any text.</param>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }
}
