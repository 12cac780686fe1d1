namespace VideoRec.Core.Domain;

/// <summary>
/// A snapshot of the catalogue, the user profiles and the interaction log, as imported or exported.
/// </summary>
/// <param name="Name">A short name of where the data came from, such as <c>ml-100k</c>.</param>
/// <param name="Videos">The catalogue, by video id.</param>
/// <param name="Users">User profiles, by user id; users who only appear in interactions may be missing.</param>
/// <param name="Interactions">The interaction log in source order.</param>
public sealed record Dataset(
    string Name,
    IReadOnlyDictionary<string, Video> Videos,
    IReadOnlyDictionary<string, UserProfile> Users,
    IReadOnlyList<Interaction> Interactions);
