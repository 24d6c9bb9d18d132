// Grievance board: "내 위치 사용" fills the hidden lat/long fields from the browser's position (the form
// works without it), copy the receipt's SMS text, print the receipt slip. No inline script (CSP).
(function () {
  "use strict";
  var form = document.getElementById("grievance-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (button && button.hasAttribute("data-once")) {
        // keep the pressed button's name/value in the request, then stop a second click
        setTimeout(function () { button.disabled = true; button.setAttribute("aria-busy", "true"); }, 0);
      }
    });
    var locate = document.getElementById("use-location");
    var status = document.getElementById("location-status");
    var lat = document.getElementById("id_lat");
    var lng = document.getElementById("id_long");
    if (locate && lat && lng && "geolocation" in navigator) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        status.textContent = "위치를 찾는 중입니다…";
        navigator.geolocation.getCurrentPosition(
          function (pos) {
            lat.value = pos.coords.latitude.toFixed(6);
            lng.value = pos.coords.longitude.toFixed(6);
            status.textContent = "저장할 위치: 위도 " + lat.value + ", 경도 " + lng.value;
          },
          function () {
            status.textContent = "위치를 가져오지 못했습니다. 주소를 적어 주세요.";
          },
          { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
        );
      });
    }
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var out = document.getElementById("copy-status");
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { if (out) out.textContent = "복사했습니다. 문자 앱에 붙여 넣으세요."; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(source.value).then(done, function () { source.select(); });
      } else {
        source.select();
        document.execCommand("copy");
        done();
      }
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
