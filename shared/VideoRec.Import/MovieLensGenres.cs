namespace VideoRec.Import;

/// <summary>
/// The genre names of the MovieLens layouts (100K's u.genre and the "latest" movies.csv), which the importers store as
/// the first tags of a video. Evaluations that use genres as labels tell them from free-text tags with this list.
/// </summary>
public static class MovieLensGenres
{
    /// <summary>Every genre name of either layout, compared case-insensitively.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Action", "Adventure", "Animation", "Children's", "Children", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "IMAX", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    };
}
