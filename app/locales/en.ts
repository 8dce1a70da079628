import common from "./en/common.json";
import identity from "./en/identity.json";
import booking from "./en/booking.json";
import record from "./en/record.json";
import notifications from "./en/notifications.json";

/** Every namespace's texts in one language. The browser loads only the language of the page it shows. */
export default { common, identity, record, booking, notifications };
