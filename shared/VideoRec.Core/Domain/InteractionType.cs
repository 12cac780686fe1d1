namespace VideoRec.Core.Domain;

/// <summary>
/// The kinds of user–video interaction the platform records (design, "User-video interactions").
/// </summary>
public enum InteractionType
{
    /// <summary>The video was shown to the user. <see cref="Interaction.Value"/> is the dwell time in seconds, when known.</summary>
    Impression,

    /// <summary>The user opened the video.</summary>
    Click,

    /// <summary>The user watched the video. <see cref="Interaction.Value"/> is the watch time in seconds; <c>null</c> means a complete watch of unknown length (rating datasets).</summary>
    Watch,

    /// <summary>The user pressed "like".</summary>
    Like,

    /// <summary>The user pressed "dislike": explicit negative feedback.</summary>
    Dislike,

    /// <summary>The user shared the video.</summary>
    Share,

    /// <summary>The user commented. <see cref="Interaction.Text"/> holds the comment.</summary>
    Comment,

    /// <summary>The user searched. <see cref="Interaction.Text"/> holds the query; there is no video.</summary>
    Search,
}
