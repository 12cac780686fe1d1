namespace VideoRec.Core.Bundles;

/// <summary>The catalogue facts a bundle carries to answer requests without a database: title and tags.</summary>
/// <param name="Title">Video title.</param>
/// <param name="Tags">Video tags.</param>
public sealed record CatalogueEntry(string Title, IReadOnlyList<string> Tags);
