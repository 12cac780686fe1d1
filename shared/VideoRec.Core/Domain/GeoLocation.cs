namespace VideoRec.Core.Domain;

/// <summary>A point on Earth in decimal degrees (WGS 84).</summary>
/// <param name="Latitude">Latitude in degrees, −90 to 90.</param>
/// <param name="Longitude">Longitude in degrees, −180 to 180.</param>
public readonly record struct GeoLocation(double Latitude, double Longitude);
