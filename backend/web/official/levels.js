// @ts-check
// Pure: a microphone level for the device check's meter, from time-domain
// samples (-1..1). No DOM (Node tests: tests/unit/web/levels.test.mjs).

/** Floor of the meter: quieter than this shows as empty. */
export const FLOOR_DBFS = -60;

/** Root mean square of the samples. @param {ArrayLike<number>} samples */
export function rms(samples) {
  if (!samples.length) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i += 1) sum += samples[i] * samples[i];
  return Math.sqrt(sum / samples.length);
}

/** The level in dBFS (a full-scale sine is about -3), never below the floor. @param {ArrayLike<number>} samples */
export function levelDbfs(samples) {
  const value = rms(samples);
  return value > 0 ? Math.max(FLOOR_DBFS, 20 * Math.log10(value)) : FLOOR_DBFS;
}

/** The meter's fill, 0-100 %, from the floor to full scale. @param {number} dbfs */
export function meterPercent(dbfs) {
  return Math.round(Math.min(100, Math.max(0, ((dbfs - FLOOR_DBFS) / -FLOOR_DBFS) * 100)));
}

/** Whether the microphone is heard at all (a speaking voice is well above this). @param {number} dbfs */
export function heard(dbfs) {
  return dbfs > -50;
}
