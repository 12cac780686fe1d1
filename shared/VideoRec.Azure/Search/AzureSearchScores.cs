namespace VideoRec.Azure.Search;

/// <summary>
/// Converts Azure AI Search's <c>@search.score</c> of a single vector query back to the contract's similarity.
/// </summary>
/// <remarks>
/// For the <c>cosine</c> metric the service does not return the cosine: "Relevance in vector search", section
/// "Scores in a vector search results" (learn.microsoft.com/azure/search/vector-search-ranking), defines
/// <c>@search.score = 1 / (1 + cosine_distance)</c> with <c>cosine_distance = 1 − cosine_similarity</c>, a score in
/// [1/3, 1]. Solving for the similarity: <c>cosine_similarity = 1 − (1 − score) / score = 2 − 1 / score</c>.
/// For <c>dotProduct</c> the service documents no formula for its score, so <see cref="AzureSearchVectorIndex"/>
/// does not convert one: it retrieves the stored vector of each hit (the field is retrievable in an inner-product
/// index) and computes <c>q·v</c> itself, the same float dot product as <c>ExactVectorIndex</c>.
/// </remarks>
public static class AzureSearchScores
{
    /// <summary>The cosine similarity of a hit from its <c>@search.score</c> under the <c>cosine</c> metric: <c>2 − 1 / score</c>.</summary>
    /// <param name="searchScore">The service's score, in (0, 1] (in [1/3, 1] for real answers).</param>
    /// <exception cref="ArgumentOutOfRangeException">The score is not a finite number in (0, 1 + 1e-6].</exception>
    public static double CosineSimilarity(double searchScore)
    {
        if (!double.IsFinite(searchScore) || searchScore <= 0 || searchScore > 1 + 1e-6)
        {
            throw new ArgumentOutOfRangeException(nameof(searchScore), searchScore,
                "A cosine @search.score is 1 / (1 + cosine distance), a number in [1/3, 1].");
        }

        return 2.0 - 1.0 / searchScore;
    }

    /// <summary>The <c>@search.score</c> the service gives a cosine similarity: <c>1 / (2 − similarity)</c> (the inverse of <see cref="CosineSimilarity"/>).</summary>
    /// <param name="cosineSimilarity">A cosine similarity in [−1, 1].</param>
    public static double CosineSearchScore(double cosineSimilarity) => 1.0 / (1.0 + (1.0 - cosineSimilarity));
}
