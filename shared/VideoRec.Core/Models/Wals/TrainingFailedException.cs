namespace VideoRec.Core.Models.Wals;

/// <summary>
/// Training could not produce a usable model with these settings: the normal equations were not positive definite,
/// or the factors stopped being finite numbers. The message says which, and what to change.
/// </summary>
public sealed class TrainingFailedException(string message) : Exception(message);
