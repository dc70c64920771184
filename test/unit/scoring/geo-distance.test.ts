// Great-circle distances against known values, and the coordinate check.
import { describe, expect, it } from 'vitest';
import { EARTH_MEAN_RADIUS_KM, haversineKm, isValidGeoPoint } from '../../../src/scoring/geo-distance';

const AMSTERDAM = { latitude: 52.3676, longitude: 4.9041 };
const BERLIN = { latitude: 52.52, longitude: 13.405 };
const NEW_YORK = { latitude: 40.7128, longitude: -74.006 };

describe('haversineKm', () => {
  it('measures Amsterdam to Berlin as about 577 km', () => {
    expect(haversineKm(AMSTERDAM, BERLIN)).toBeCloseTo(577, -1);
  });

  it('measures Amsterdam to New York as about 5860 km, either way round', () => {
    expect(haversineKm(AMSTERDAM, NEW_YORK)).toBeCloseTo(5860, -2);
    expect(haversineKm(NEW_YORK, AMSTERDAM)).toBe(haversineKm(AMSTERDAM, NEW_YORK));
  });

  it('is zero for the same point', () => {
    expect(haversineKm(BERLIN, BERLIN)).toBe(0);
  });

  it('crosses the antimeridian the short way', () => {
    expect(haversineKm({ latitude: 0, longitude: 179.5 }, { latitude: 0, longitude: -179.5 })).toBeCloseTo(
      111.2,
      0,
    );
  });

  it('gives half the circumference for antipodal points, not NaN', () => {
    expect(haversineKm({ latitude: 90, longitude: 0 }, { latitude: -90, longitude: 0 })).toBeCloseTo(
      Math.PI * EARTH_MEAN_RADIUS_KM,
      6,
    );
    // Rounding puts the haversine term of this pair a hair above 1.
    expect(haversineKm({ latitude: -87.5, longitude: -10 }, { latitude: 87.5, longitude: 170 })).toBeCloseTo(
      Math.PI * EARTH_MEAN_RADIUS_KM,
      6,
    );
  });
});

describe('isValidGeoPoint', () => {
  it.each([
    [AMSTERDAM, true],
    [{ latitude: 90, longitude: 180 }, true],
    [{ latitude: -90, longitude: -180 }, true],
    [{ latitude: 90.01, longitude: 0 }, false],
    [{ latitude: 0, longitude: -180.01 }, false],
    [{ latitude: Number.NaN, longitude: 0 }, false],
    [{ latitude: 0, longitude: Number.POSITIVE_INFINITY }, false],
  ])('judges %j as %s', (point, valid) => {
    expect(isValidGeoPoint(point)).toBe(valid);
  });
});
