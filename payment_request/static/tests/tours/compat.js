/* global odoo */

// What differs between the tours of Odoo 18.0 and 19.0, in one place (the
// Python side is payment_request/compat.py).
//
// 19.0 fails a tour whose step unloads the page unless the step says so with
// expectUnloadPage; 18.0's step schema rejects that key (a console error,
// which fails the tour too). 19.0's tour service, the one that knows the key,
// is the module @web_tour/js/tour_service (18.0: @web_tour/tour_service/...).
// Asked when the steps are built, once every module is loaded; the session's
// server version is not known to a public portal page.

/**
 * The step, marked as one that unloads the page (a link, a redirect).
 *
 * @param {Object} step
 * @returns {Object}
 */
export function unloadsPage(step) {
    const declaresUnload = odoo.loader.modules.has("@web_tour/js/tour_service");
    return declaresUnload ? {...step, expectUnloadPage: true} : step;
}
