// Department inbox: choosing an answer template fills the answer textarea (without JavaScript the
// "서식 불러오기" button reloads the page with the template in the textarea).
document.addEventListener("DOMContentLoaded", () => {
  const select = document.querySelector("[data-answer-templates]");
  const text = document.querySelector("[data-answer-text]");
  if (!select || !text) return;
  const load = document.querySelector("[data-template-load]");
  if (load) load.hidden = true;
  select.addEventListener("change", () => {
    const option = select.selectedOptions[0];
    if (!option || !option.dataset.body) return;
    if (text.value.trim() && !window.confirm("작성 중인 답변을 서식으로 바꿀까요?")) return;
    text.value = option.dataset.body;
    text.focus();
  });
});
