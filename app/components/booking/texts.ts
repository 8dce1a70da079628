import { useTranslation } from "react-i18next";

/** The booking pages' texts (the provider kinds are the record's words) and the page's language. */
export function useBookingTexts() {
  const { t, i18n } = useTranslation(["booking", "record"]);
  return { t, lng: i18n.language };
}

export const appointmentPath = (id: string) => `/appointments/${encodeURIComponent(id)}`;
export const confirmPath = (slotId: string) => `/appointments/book/confirm?slot=${encodeURIComponent(slotId)}`;
