// Deep linking: post the chosen item back to the LMS at once.
document.getElementById("lti-deep-link-return").submit();
