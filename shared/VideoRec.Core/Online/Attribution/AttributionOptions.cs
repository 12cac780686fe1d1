namespace VideoRec.Core.Online;

/// <summary>How events are joined to the impressions that caused them (configuration section <c>VideoRec:Attribution</c>).</summary>
public sealed class AttributionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "VideoRec:Attribution";

    /// <summary>
    /// How long after an impression an event without a request id is still credited to it (by user and video); default
    /// 24 hours. Events that carry a request id are joined by it whatever their delay.
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Every problem, each naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate() =>
        Window > TimeSpan.Zero && Window <= TimeSpan.FromDays(90) ? [] : [$"{nameof(Window)} must be positive and at most 90 days (found {Window})."];
}
