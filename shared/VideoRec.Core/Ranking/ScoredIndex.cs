namespace VideoRec.Core.Ranking;

/// <summary>A row or column index with its score.</summary>
/// <param name="Index">Dense index of the video (or user).</param>
/// <param name="Score">Model score; higher is better.</param>
public readonly record struct ScoredIndex(int Index, float Score);
