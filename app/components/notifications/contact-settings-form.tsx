import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FieldMessage, fieldAria } from "~/components/field-error";
import type { ContactFormValues } from "~/notifications/forms";
import type { FieldError } from "~/utils/query-fields";


const ids = { emailHint: "contact-email-hint", emailError: "contact-email-error", mobileHint: "contact-mobile-hint", mobileError: "contact-mobile-error" };

/**
 * The contact settings: e-mail and mobile number, the channels offered, the event. A plain post (no JavaScript
 * needed); each error under its field, which it describes. `key` remounts the fields on new values (after an error).
 */
export function ContactSettingsForm({
  values,
  errors,
  offered,
}: {
  values: ContactFormValues;
  errors: Partial<Record<"email" | "mobile", FieldError>>;
  offered: readonly ("email" | "sms")[];
}) {
  const { t } = useTranslation("notifications");
  return (
    <Form method="post" noValidate key={JSON.stringify(values)}>
      <fieldset>
        <legend>{t("settings.contact")}</legend>
        <div className="field">
          <label htmlFor="contact-email">{t("settings.email")}</label>
          <p className="hint" id="contact-email-hint">
            {t("settings.emailHint")}
          </p>
          <input id="contact-email" name="email" type="email" autoComplete="email" defaultValue={values.email} {...fieldAria(errors.email, ids.emailError, ids.emailHint)} />
          <FieldMessage id="contact-email-error" error={errors.email} />
        </div>
        <div className="field">
          <label htmlFor="contact-mobile">{t("settings.mobile")}</label>
          <p className="hint" id="contact-mobile-hint">
            {t("settings.mobileHint")}
          </p>
          <input id="contact-mobile" name="mobile" type="tel" autoComplete="tel" defaultValue={values.mobile} {...fieldAria(errors.mobile, ids.mobileError, ids.mobileHint)} />
          <FieldMessage id="contact-mobile-error" error={errors.mobile} />
        </div>
      </fieldset>
      <fieldset>
        <legend>{t("settings.channels")}</legend>
        {offered.includes("email") ? (
          <div className="field">
            <input id="contact-by-email" name="byEmail" type="checkbox" defaultChecked={values.byEmail} />{" "}
            <label htmlFor="contact-by-email" className="inline">
              {t("settings.byEmail")}
            </label>
          </div>
        ) : null}
        {offered.includes("sms") ? (
          <div className="field">
            <input id="contact-by-sms" name="bySms" type="checkbox" defaultChecked={values.bySms} />{" "}
            <label htmlFor="contact-by-sms" className="inline">
              {t("settings.bySms")}
            </label>
          </div>
        ) : null}
      </fieldset>
      <fieldset>
        <legend>{t("settings.events")}</legend>
        <div className="field">
          <input id="contact-new-message" name="onNewMessage" type="checkbox" defaultChecked={values.onNewMessage} />{" "}
          <label htmlFor="contact-new-message" className="inline">
            {t("settings.onNewMessage")}
          </label>
        </div>
      </fieldset>
      <p className="hint">{t("settings.languageNote")}</p>
      <button type="submit" className="button">
        {t("settings.save")}
      </button>
    </Form>
  );
}
