using System.ComponentModel.DataAnnotations;

namespace VideoRec.Functions;

/// <summary>
/// App settings of the function app, section <c>VideoRec</c> (app settings <c>VideoRec__ModelPath</c> and so on).
/// Which adapters run is chosen here: the embedded defaults (SQLite) or the Azure services.
/// </summary>
public sealed class FunctionSettings : IValidatableObject
{
    public const string Section = "VideoRec";

    /// <summary>A model bundle directory, or a model folder with a CURRENT file, readable by the worker.</summary>
    [Required(ErrorMessage = "VideoRec:ModelPath (app setting VideoRec__ModelPath) is required: the model bundle folder to serve.")]
    public string ModelPath { get; set; } = "";

    /// <summary><c>Sqlite</c> (embedded default) or <c>Cosmos</c>.</summary>
    public string Store { get; set; } = "Sqlite";

    /// <summary>The SQLite file when <see cref="Store"/> is <c>Sqlite</c>.</summary>
    public string DatabasePath { get; set; } = "vrec.db";

    /// <summary><c>Sqlite</c> (the queue table, processed by the host's own worker) or <c>StorageQueue</c> (the queue trigger).</summary>
    public string Queue { get; set; } = "StorageQueue";

    /// <summary>Name of the event queue; its poison queue is this name with <c>-poison</c>.</summary>
    public string EventQueue { get; set; } = "events";

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Store is not ("Sqlite" or "Cosmos"))
        {
            yield return new ValidationResult($"VideoRec:Store (app setting VideoRec__Store) must be Sqlite or Cosmos, found '{Store}'.", [nameof(Store)]);
        }

        if (Queue is not ("Sqlite" or "StorageQueue"))
        {
            yield return new ValidationResult($"VideoRec:Queue (app setting VideoRec__Queue) must be Sqlite or StorageQueue, found '{Queue}'.", [nameof(Queue)]);
        }

        if (Store == "Sqlite" && string.IsNullOrWhiteSpace(DatabasePath))
        {
            yield return new ValidationResult("VideoRec:DatabasePath (app setting VideoRec__DatabasePath) is required when VideoRec:Store is Sqlite.", [nameof(DatabasePath)]);
        }

        if (string.IsNullOrWhiteSpace(EventQueue) || EventQueue.Length is < 3 or > 56 || !EventQueue.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            yield return new ValidationResult($"VideoRec:EventQueue must be a storage queue name (3–56 lower-case letters, digits or '-'), found '{EventQueue}'.", [nameof(EventQueue)]);
        }
    }
}
