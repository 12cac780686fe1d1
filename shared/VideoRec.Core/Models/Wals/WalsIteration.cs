namespace VideoRec.Core.Models.Wals;

/// <summary>Progress of one WALS iteration.</summary>
/// <param name="Iteration">1-based iteration number.</param>
/// <param name="Of">Total iterations planned.</param>
/// <param name="Loss">Training loss divided by the number of observed entries; NaN when not computed.</param>
/// <param name="Seconds">Wall-clock seconds of the two half-iterations (loss excluded).</param>
/// <param name="Validation">The validation metric after this iteration, when a callback was given.</param>
public sealed record WalsIteration(int Iteration, int Of, double Loss, double Seconds, double? Validation);
