using System.Text.Json;
using System.Text.Json.Serialization;
using VideoRec.Core.Domain;

namespace VideoRec.Local.Sqlite;

/// <summary>Source-generated JSON for the documents the SQLite store keeps (camelCase, nulls omitted): no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Video))]
[JsonSerializable(typeof(UserProfile))]
internal sealed partial class StoreJson : JsonSerializerContext;
