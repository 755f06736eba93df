// LTI Dynamic Registration: tell the LMS window that opened us that registration is done.
(window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
