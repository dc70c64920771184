/**
 * Great-circle distance between two points, for comparing a GeoIP location with the billing address.
 * The haversine formula on a sphere is off by at most about 0.5% from the ellipsoid, far below the
 * tens of kilometres a GeoIP location is uncertain by, so nothing more precise is worth its cost.
 */

export interface GeoPoint {
  /** Degrees, -90 to 90. */
  readonly latitude: number;
  /** Degrees, -180 to 180. */
  readonly longitude: number;
}

/** The IUGG mean Earth radius in kilometres. */
export const EARTH_MEAN_RADIUS_KM = 6371.0088;

const RADIANS_PER_DEGREE = Math.PI / 180;

export function isValidGeoPoint(point: GeoPoint): boolean {
  const { latitude, longitude } = point;
  return (
    Number.isFinite(latitude) &&
    Number.isFinite(longitude) &&
    latitude >= -90 &&
    latitude <= 90 &&
    longitude >= -180 &&
    longitude <= 180
  );
}

/** Kilometres along the Earth's surface; the caller checks the points (see isValidGeoPoint). */
export function haversineKm(a: GeoPoint, b: GeoPoint): number {
  const lat1 = a.latitude * RADIANS_PER_DEGREE;
  const lat2 = b.latitude * RADIANS_PER_DEGREE;
  const sinHalfDLat = Math.sin((lat2 - lat1) / 2);
  const sinHalfDLon = Math.sin((b.longitude - a.longitude) * RADIANS_PER_DEGREE * 0.5);
  const h = sinHalfDLat * sinHalfDLat + Math.cos(lat1) * Math.cos(lat2) * sinHalfDLon * sinHalfDLon;
  // Rounding can push h a hair above 1 for near-antipodal points; asin must never see more than 1.
  return 2 * EARTH_MEAN_RADIUS_KM * Math.asin(Math.sqrt(Math.min(1, h)));
}
