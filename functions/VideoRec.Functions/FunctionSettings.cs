using System.ComponentModel.DataAnnotations;

namespace VideoRec.Functions;

/// <summary>
/// App settings of the function app, section <c>VideoRec</c> (app settings <c>VideoRec__ModelPath</c> and so on).
/// Which adapters run is chosen here: the embedded defaults (SQLite) or the Azure services.
/// </summary>
public sealed class FunctionSettings : IValidatableObject
{
    public const string Section = "VideoRec";

    /// <summary>
    /// A model bundle directory, or a model folder with a CURRENT file, readable by the worker. Checked in
    /// <see cref="Validate"/> rather than by <c>[Required]</c>: a failed attribute would skip <see cref="Validate"/>, and
    /// start-up must name every missing setting at once.
    /// </summary>
    public string ModelPath { get; set; } = "";

    /// <summary>
    /// Where newly trained bundles are published, which the <c>PublishModelBundle</c> timer watches: <c>None</c> (the
    /// default: serve <see cref="ModelPath"/> as it is), <c>Folder</c> (<see cref="ModelSourcePath"/>, as
    /// <c>vrec train</c> writes it) or <c>Blob</c> (<see cref="ModelContainerUri"/>). With a source,
    /// <see cref="ModelPath"/> is the local folder bundles are downloaded to, and the first bundle is downloaded at
    /// start-up when that folder has none.
    /// </summary>
    public string ModelSource { get; set; } = "None";

    /// <summary>The model folder bundles are published to when <see cref="ModelSource"/> is <c>Folder</c>.</summary>
    public string? ModelSourcePath { get; set; }

    /// <summary>The blob container bundles are published to when <see cref="ModelSource"/> is <c>Blob</c>, such as <c>https://account.blob.core.windows.net/models</c>.</summary>
    public string? ModelContainerUri { get; set; }

    /// <summary><c>Sqlite</c> (embedded default) or <c>Cosmos</c>.</summary>
    public string Store { get; set; } = "Sqlite";

    /// <summary>The SQLite file when <see cref="Store"/> is <c>Sqlite</c>.</summary>
    public string DatabasePath { get; set; } = "vrec.db";

    /// <summary><c>Sqlite</c> (the queue table, processed by the host's own worker) or <c>StorageQueue</c> (the queue trigger).</summary>
    public string Queue { get; set; } = "StorageQueue";

    /// <summary>Name of the event queue; its poison queue is this name with <c>-poison</c>.</summary>
    public string EventQueue { get; set; } = "events";

    /// <summary>
    /// The storage queue connection when <see cref="Queue"/> is <c>StorageQueue</c>: a connection string in
    /// <c>VideoRec:QueueConnection</c> (Azurite), or, with a managed identity, the service URI in
    /// <c>VideoRec:QueueConnection:queueServiceUri</c> (app setting <c>VideoRec__QueueConnection__queueServiceUri</c>),
    /// the form the queue trigger binding reads too. Not bound by the configuration binder, which cannot read that
    /// section into a string: <see cref="FunctionServices.Read"/> and the options registration set it.
    /// </summary>
    public string? QueueConnection { get; internal set; }

    /// <summary>The storage queue service URI for identity-based connections (bound from <c>VideoRec:QueueConnection:queueServiceUri</c>).</summary>
    public string? QueueServiceUri { get; set; }

    /// <summary>The Cosmos DB account endpoint (managed identity) when <see cref="Store"/> is <c>Cosmos</c>.</summary>
    public string? CosmosEndpoint { get; set; }

    /// <summary>A Cosmos DB connection string (emulator or key), used instead of <see cref="CosmosEndpoint"/> when set.</summary>
    public string? CosmosConnection { get; set; }

    /// <summary>The Cosmos DB database name.</summary>
    public string CosmosDatabase { get; set; } = "videorec";

    /// <summary>
    /// The text-embedding generator: <c>MiniLm</c> (the embedded all-MiniLM-L6-v2 on ONNX Runtime, the default),
    /// <c>AzureOpenAI</c> (a deployment named by <see cref="OpenAIEndpoint"/> and <see cref="OpenAIDeployment"/>), or
    /// <c>None</c> (no text embeddings: upserts and searches queue no refresh).
    /// </summary>
    public string Embeddings { get; set; } = "MiniLm";

    /// <summary>Name of the embedding refresh queue; its poison queue is this name with <c>-poison</c>.</summary>
    public string EmbeddingQueue { get; set; } = "embedding-refresh";

    /// <summary>The Azure OpenAI endpoint when <see cref="Embeddings"/> is <c>AzureOpenAI</c>.</summary>
    public string? OpenAIEndpoint { get; set; }

    /// <summary>The embedding deployment (a text-embedding-3-small-class model) when <see cref="Embeddings"/> is <c>AzureOpenAI</c>.</summary>
    public string? OpenAIDeployment { get; set; }

    /// <summary>Embedding length asked of the Azure OpenAI deployment. Default 1536 (text-embedding-3-small's full size).</summary>
    public int OpenAIDimensions { get; set; } = 1536;

    /// <summary>An Azure OpenAI key; empty uses the managed identity.</summary>
    public string? OpenAIApiKey { get; set; }

    /// <summary>The client id of the user-assigned managed identity; empty uses the default credential chain.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// The candidate-generation vector index: <c>Embedded</c> (default: built in process from the served bundle, exact or
    /// USearch HNSW) or <c>AzureSearch</c> (Azure AI Search, <see cref="SearchEndpoint"/>).
    /// </summary>
    public string VectorIndex { get; set; } = "Embedded";

    /// <summary>The Azure AI Search endpoint when <see cref="VectorIndex"/> is <c>AzureSearch</c>.</summary>
    public string? SearchEndpoint { get; set; }

    /// <summary>The Azure AI Search index name; default <c>videos</c>.</summary>
    public string SearchIndex { get; set; } = "videos";

    /// <summary>Vector length of the indexed embeddings; default 64 (the two-tower and WALS size).</summary>
    public int SearchDimensions { get; set; } = 64;

    /// <summary>An Azure AI Search admin key for local development; empty uses the managed identity.</summary>
    public string? SearchApiKey { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ModelPath))
        {
            yield return new ValidationResult("VideoRec:ModelPath (app setting VideoRec__ModelPath) is required: the model bundle folder to serve.", [nameof(ModelPath)]);
        }

        if (ModelSource is not ("None" or "Folder" or "Blob"))
        {
            yield return new ValidationResult($"VideoRec:ModelSource (app setting VideoRec__ModelSource) must be None, Folder or Blob, found '{ModelSource}'.", [nameof(ModelSource)]);
        }
        else if (ModelSource == "Folder" && string.IsNullOrWhiteSpace(ModelSourcePath))
        {
            yield return new ValidationResult("VideoRec:ModelSourcePath (app setting VideoRec__ModelSourcePath) is required when VideoRec:ModelSource is Folder: the folder trained bundles are published to.", [nameof(ModelSourcePath)]);
        }
        else if (ModelSource == "Blob" && !IsAbsoluteUri(ModelContainerUri))
        {
            yield return new ValidationResult($"VideoRec:ModelContainerUri (app setting VideoRec__ModelContainerUri) must be an absolute URI such as https://account.blob.core.windows.net/models when VideoRec:ModelSource is Blob, found '{ModelContainerUri}'.", [nameof(ModelContainerUri)]);
        }

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

        if (Store == "Cosmos" && string.IsNullOrWhiteSpace(CosmosEndpoint) && string.IsNullOrWhiteSpace(CosmosConnection))
        {
            yield return new ValidationResult(
                "VideoRec:CosmosEndpoint (app setting VideoRec__CosmosEndpoint) is required when VideoRec:Store is Cosmos (or VideoRec:CosmosConnection for the emulator).",
                [nameof(CosmosEndpoint)]);
        }
        else if (Store == "Cosmos" && string.IsNullOrWhiteSpace(CosmosConnection) && !IsAbsoluteUri(CosmosEndpoint))
        {
            yield return new ValidationResult($"VideoRec:CosmosEndpoint must be an absolute URI such as https://account.documents.azure.com:443/, found '{CosmosEndpoint}'.",
                [nameof(CosmosEndpoint)]);
        }

        if (Queue == "StorageQueue" && string.IsNullOrWhiteSpace(QueueConnection) && string.IsNullOrWhiteSpace(QueueServiceUri))
        {
            yield return new ValidationResult(
                "VideoRec:QueueConnection:queueServiceUri (app setting VideoRec__QueueConnection__queueServiceUri) is required when VideoRec:Queue is StorageQueue (or VideoRec:QueueConnection as a connection string for Azurite).",
                [nameof(QueueConnection)]);
        }
        else if (Queue == "StorageQueue" && string.IsNullOrWhiteSpace(QueueConnection) && !IsAbsoluteUri(QueueServiceUri))
        {
            yield return new ValidationResult($"VideoRec:QueueConnection:queueServiceUri must be an absolute URI such as https://account.queue.core.windows.net, found '{QueueServiceUri}'.",
                [nameof(QueueServiceUri)]);
        }

        if (!IsQueueName(EventQueue))
        {
            yield return new ValidationResult($"VideoRec:EventQueue must be a storage queue name (3–56 lower-case letters, digits or '-'), found '{EventQueue}'.", [nameof(EventQueue)]);
        }

        if (Embeddings is not ("MiniLm" or "AzureOpenAI" or "None"))
        {
            yield return new ValidationResult($"VideoRec:Embeddings (app setting VideoRec__Embeddings) must be MiniLm, AzureOpenAI or None, found '{Embeddings}'.", [nameof(Embeddings)]);
        }

        if (Embeddings != "None" && (!IsQueueName(EmbeddingQueue) || EmbeddingQueue == EventQueue))
        {
            yield return new ValidationResult($"VideoRec:EmbeddingQueue must be a storage queue name (3–56 lower-case letters, digits or '-') other than the event queue, found '{EmbeddingQueue}'.", [nameof(EmbeddingQueue)]);
        }

        if (Embeddings == "AzureOpenAI")
        {
            if (!IsAbsoluteUri(OpenAIEndpoint))
            {
                yield return new ValidationResult($"VideoRec:OpenAIEndpoint (app setting VideoRec__OpenAIEndpoint) must be an absolute URI such as https://account.openai.azure.com/ when VideoRec:Embeddings is AzureOpenAI, found '{OpenAIEndpoint}'.", [nameof(OpenAIEndpoint)]);
            }

            if (string.IsNullOrWhiteSpace(OpenAIDeployment))
            {
                yield return new ValidationResult("VideoRec:OpenAIDeployment (app setting VideoRec__OpenAIDeployment) is required when VideoRec:Embeddings is AzureOpenAI.", [nameof(OpenAIDeployment)]);
            }

            if (OpenAIDimensions is < 1 or > 3072)
            {
                yield return new ValidationResult($"VideoRec:OpenAIDimensions must be between 1 and 3072, found {OpenAIDimensions}.", [nameof(OpenAIDimensions)]);
            }
        }

        foreach (var problem in ValidateVectorIndex())
        {
            yield return problem;
        }
    }

    private IEnumerable<ValidationResult> ValidateVectorIndex()
    {
        if (VectorIndex is not ("Embedded" or "AzureSearch"))
        {
            yield return new ValidationResult($"VideoRec:VectorIndex (app setting VideoRec__VectorIndex) must be Embedded or AzureSearch, found '{VectorIndex}'.", [nameof(VectorIndex)]);
        }
        else if (VectorIndex == "AzureSearch")
        {
            if (!IsAbsoluteUri(SearchEndpoint))
            {
                yield return new ValidationResult($"VideoRec:SearchEndpoint (app setting VideoRec__SearchEndpoint) must be an absolute URI such as https://service.search.windows.net when VideoRec:VectorIndex is AzureSearch, found '{SearchEndpoint}'.", [nameof(SearchEndpoint)]);
            }

            if (string.IsNullOrWhiteSpace(SearchIndex) || SearchIndex.Length > 128 || !SearchIndex.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') || SearchIndex[0] == '-')
            {
                yield return new ValidationResult($"VideoRec:SearchIndex must be an Azure AI Search index name (lower-case letters, digits and '-', not starting with '-', at most 128), found '{SearchIndex}'.", [nameof(SearchIndex)]);
            }

            if (SearchDimensions is < 2 or > 3072)
            {
                yield return new ValidationResult($"VideoRec:SearchDimensions must be between 2 and 3072, found {SearchDimensions}.", [nameof(SearchDimensions)]);
            }
        }
    }

    private static bool IsQueueName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.Length is >= 3 and <= 56 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>Whether <paramref name="value"/> is an absolute http(s) URI (what the Cosmos and queue clients need; not a file path).</summary>
    internal static bool IsAbsoluteUri(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
