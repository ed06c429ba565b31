import { useEffect, useState } from 'preact/hooks';

export interface Position {
  lat: number;
  lng: number;
}

function rounded(p: GeolocationPosition): Position {
  // Six decimals is about 10 cm: more would only be noise from the phone.
  return { lat: Number(p.coords.latitude.toFixed(6)), lng: Number(p.coords.longitude.toFixed(6)) };
}

/** Where the phone is, if it can tell within a few seconds (photos and reviews record it when known). */
export function currentPosition(): Promise<Position | undefined> {
  if (!navigator.geolocation) return Promise.resolve(undefined);
  return new Promise((resolve) =>
    navigator.geolocation.getCurrentPosition(
      (p) => resolve(rounded(p)),
      () => resolve(undefined),
      { timeout: 5_000, maximumAge: 60_000 },
    ),
  );
}

/**
 * The phone's position for a field form: asked once when the page opens (where the person stands is where the
 * thing is, most of the time) and again on request.
 */
export function usePosition(): { position?: Position; locating: boolean; locate: () => void } {
  const [position, setPosition] = useState<Position | undefined>();
  const [locating, setLocating] = useState(false);
  const locate = () => {
    if (!navigator.geolocation) return;
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setLocating(false);
        setPosition(rounded(p));
      },
      () => setLocating(false),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };
  useEffect(locate, []);
  return { position, locating, locate };
}
