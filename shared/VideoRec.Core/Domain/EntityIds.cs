namespace VideoRec.Core.Domain;

/// <summary>What is wrong with an id.</summary>
public enum IdProblem
{
    /// <summary>Nothing: the id is valid.</summary>
    None,

    /// <summary>Missing, empty or only whitespace.</summary>
    Empty,

    /// <summary>Longer than <see cref="EntityIds.MaxLength"/>.</summary>
    TooLong,

    /// <summary>Starts or ends with whitespace.</summary>
    OuterWhitespace,

    /// <summary>Holds a control character (line breaks, NUL, escape…).</summary>
    ControlCharacter,

    /// <summary>Holds '/', which cannot travel in a URL path segment.</summary>
    Slash,
}

/// <summary>
/// The one rule every user and video id follows, wherever it enters (import, HTTP, bundles): 1 to
/// <see cref="MaxLength"/> characters, no control characters, no '/', and no leading or trailing whitespace.
/// The rule keeps ids safe in URL paths, one-per-line files and logs.
/// </summary>
public static class EntityIds
{
    /// <summary>Longest id accepted, in UTF-16 code units.</summary>
    public const int MaxLength = 256;

    /// <summary>Checks <paramref name="id"/> against the rule.</summary>
    public static IdProblem Check(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return IdProblem.Empty;
        }

        if (id.Length > MaxLength)
        {
            return IdProblem.TooLong;
        }

        if (char.IsWhiteSpace(id[0]) || char.IsWhiteSpace(id[^1]))
        {
            return IdProblem.OuterWhitespace;
        }

        foreach (var c in id)
        {
            if (char.IsControl(c))
            {
                return IdProblem.ControlCharacter;
            }

            if (c == '/')
            {
                return IdProblem.Slash;
            }
        }

        return IdProblem.None;
    }

    /// <summary>A sentence about <paramref name="problem"/> for the field named <paramref name="field"/>, such as "userId is required.".</summary>
    public static string Describe(IdProblem problem, string field) => problem switch
    {
        IdProblem.Empty => $"{field} is required.",
        IdProblem.TooLong => $"{field} must be at most {MaxLength} characters.",
        IdProblem.OuterWhitespace => $"{field} must not start or end with whitespace.",
        IdProblem.ControlCharacter => $"{field} must not contain control characters.",
        IdProblem.Slash => $"{field} must not contain '/'.",
        _ => $"{field} is valid.",
    };
}
