namespace VideoRec.Core.Models.Wals;

/// <summary>How each row's weighted least-squares system is solved.</summary>
public enum WalsSolver
{
    /// <summary>
    /// A few conjugate-gradient steps warm-started from the previous factors, never forming the k × k system
    /// (Takács, Pilászy and Tikk, "Applications of the conjugate gradient method for implicit feedback
    /// collaborative filtering", RecSys 2011). O(nnz·k·steps) per half-iteration.
    /// </summary>
    ConjugateGradient,

    /// <summary>The exact solve: form the k × k normal equations and factor them (Cholesky). O(nnz·k² + rows·k³).</summary>
    Cholesky,
}
