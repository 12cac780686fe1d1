namespace VideoRec.Core.Embeddings;

/// <summary>Which text of a video an embedding represents (design, "Video features": title and tags are embedded separately).</summary>
public enum VideoTextField
{
    /// <summary>The title, embedded with the sentence encoder.</summary>
    Title = 0,

    /// <summary>The tags as one text ("tag1, tag2, …"), embedded with the sentence encoder.</summary>
    Tags = 1,
}
