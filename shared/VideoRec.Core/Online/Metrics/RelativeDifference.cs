namespace VideoRec.Core.Online;

/// <summary>
/// The relative difference of two proportions (treatment CTR against control CTR), r = p_t / p_c − 1, with the 95%
/// interval of the risk ratio by the log method (D. Katz, J. Baptista, S. P. Azen and M. C. Pike, "Obtaining confidence
/// intervals for the risk ratio in cohort studies", Biometrics 34(3):469–474, 1978):
/// exp(ln(p_t / p_c) ± z · √((1 − p_t)/(n_t p_t) + (1 − p_c)/(n_c p_c))) − 1.
/// </summary>
public static class RelativeDifference
{
    /// <summary>
    /// The relative difference and its interval; <c>null</c> when either arm has no successes or no trials (the ratio
    /// is undefined or infinite).
    /// </summary>
    /// <param name="treatmentSuccesses">Successes of the treatment arm.</param>
    /// <param name="treatmentTrials">Trials of the treatment arm.</param>
    /// <param name="controlSuccesses">Successes of the control arm.</param>
    /// <param name="controlTrials">Trials of the control arm.</param>
    /// <param name="z">Normal quantile; default 1.96 (95%).</param>
    public static (double Value, double Low, double High)? OfProportions(long treatmentSuccesses, long treatmentTrials, long controlSuccesses, long controlTrials,
        double z = WilsonInterval.Z95)
    {
        if (treatmentSuccesses <= 0 || controlSuccesses <= 0 || treatmentTrials <= 0 || controlTrials <= 0)
        {
            return null;
        }

        double pt = (double)treatmentSuccesses / treatmentTrials, pc = (double)controlSuccesses / controlTrials;
        var log = Math.Log(pt / pc);
        var se = Math.Sqrt((1 - pt) / (treatmentTrials * pt) + (1 - pc) / (controlTrials * pc));
        return (pt / pc - 1, Math.Exp(log - z * se) - 1, Math.Exp(log + z * se) - 1);
    }

    /// <summary>
    /// The relative difference of two means, r = m_t / m_c − 1, with a delta-method 95% interval from the means' standard
    /// errors: se(r) ≈ (m_t / m_c) · √((se_t / m_t)² + (se_c / m_c)²). <c>null</c> when either mean is not positive.
    /// </summary>
    public static (double Value, double Low, double High)? OfMeans(double treatmentMean, double treatmentStandardError, double controlMean, double controlStandardError,
        double z = WilsonInterval.Z95)
    {
        if (!(treatmentMean > 0 && controlMean > 0))
        {
            return null;
        }

        var ratio = treatmentMean / controlMean;
        var se = ratio * Math.Sqrt(Math.Pow(treatmentStandardError / treatmentMean, 2) + Math.Pow(controlStandardError / controlMean, 2));
        return (ratio - 1, ratio - 1 - z * se, ratio - 1 + z * se);
    }
}
