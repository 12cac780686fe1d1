namespace VideoRec.Core.Evaluation;

/// <summary>The data is too small for the requested protocol (for example no interactions, or no user to evaluate).</summary>
public sealed class InsufficientDataException(string message) : Exception(message);
