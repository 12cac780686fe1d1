namespace VideoRec.Core.Serving;

/// <summary>What a handler returns: a value, validation errors by field, or "not found". Hosts map it to HTTP.</summary>
/// <typeparam name="T">The value type.</typeparam>
public sealed class Outcome<T>
{
    private Outcome(T? value, IReadOnlyDictionary<string, string[]>? errors, string? notFound)
    {
        Value = value;
        Errors = errors;
        NotFound = notFound;
    }

    /// <summary>The value when the request succeeded.</summary>
    public T? Value { get; }

    /// <summary>Validation errors by field name (as the client spelled it, such as <c>k</c>), when the request was invalid.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; }

    /// <summary>Why nothing was found, when the named resource does not exist.</summary>
    public string? NotFound { get; }

    /// <summary>Whether the request succeeded.</summary>
    public bool IsSuccess => Errors is null && NotFound is null;

    /// <summary>A success.</summary>
    public static Outcome<T> Ok(T value) => new(value, null, null);

    /// <summary>A validation failure on one field.</summary>
    public static Outcome<T> Invalid(string field, string message) => new(default, new Dictionary<string, string[]> { [field] = [message] }, null);

    /// <summary>A validation failure on several fields.</summary>
    public static Outcome<T> Invalid(IReadOnlyDictionary<string, string[]> errors) => new(default, errors, null);

    /// <summary>The named resource does not exist.</summary>
    public static Outcome<T> Missing(string detail) => new(default, null, detail);
}
