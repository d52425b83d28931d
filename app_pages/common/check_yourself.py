"""Check yourself: one question at a time on a page's topic, answered, checked, worked out, and shown live."""

import random

import streamlit as st

from core import quiz

QUIZ_PARAM = "quiz"  # ?quiz=1234 in a page's address: the same questions for everyone who opens it
PLACEHOLDERS = {"number": "a whole number", "shape": "e.g. (2, 3, 4)", "shapes": "e.g. (2, 3), (2, 3)", "text": "text"}


def quiz_seed() -> int:
    """The address's quiz number when it has one (a teacher's link), else one drawn once for this session."""
    given = st.query_params.get(QUIZ_PARAM, "")
    if given.isdigit():
        return int(given)
    return st.session_state.setdefault("quiz_seed", random.randint(1000, 9999))


def show_case(values: dict[str, object]) -> None:
    """Set the page's widgets to a question's case (a callback: it runs before the page draws them)."""
    for key, value in values.items():
        st.session_state[key] = value
    st.toast("The page's settings now show this question's case.", icon=":material/visibility:")


def answer_words(question: quiz.Question) -> str:
    """The answer as the verdict writes it: text in quotes, so that a reading of one letter stands out."""
    return f"'{question.answer}'" if question.kind == "text" else question.answer


def next_question(topic: str) -> None:
    st.session_state[f"quiz_{topic}"]["number"] += 1


def quiz_section(topic: str, facts: object | None = None) -> None:
    """Check yourself at the foot of a page without tabs."""
    st.divider()
    st.header("Check yourself", anchor="check-yourself")
    check_yourself(topic, facts)


def check_yourself(topic: str, facts: object | None = None) -> None:
    """A question on `topic` (and on the page's `facts`, when it has them), an answer field, the verdict and the
    worked answer, a score for the session."""
    seed = quiz_seed()
    # answers: question number → whether the first answer to it was right (the score is made from them).
    progress = st.session_state.setdefault(f"quiz_{topic}", {"number": 0, "answers": {}})
    number = progress["number"]
    question = quiz.question(topic, seed, number, facts)
    st.markdown(f"**Question {number + 1}.** {question.prompt}")
    with st.form(key=f"quiz_{topic}_form_{seed}_{number}", border=False):
        if question.kind == "choice":
            given = st.radio("Your answer", question.choices, index=None, key=f"quiz_{topic}_choice_{seed}_{number}")
        else:
            given = st.text_input(
                "Your answer", placeholder=PLACEHOLDERS[question.kind], key=f"quiz_{topic}_text_{seed}_{number}"
            )
        checked = st.form_submit_button("Check", type="primary")
    if checked and not (given or "").strip():
        st.warning("Write an answer first." if question.kind != "choice" else "Pick an answer first.")
    elif checked and number not in progress["answers"]:  # only the first answer to a question counts
        progress["answers"][number] = quiz.is_right(question, given)
    if number in progress["answers"]:
        if progress["answers"][number]:
            st.success(f"Right: {answer_words(question)}.", icon=":material/check_circle:")
        else:
            st.error(f"Not quite. The answer is {answer_words(question)}.", icon=":material/cancel:")
        st.markdown(question.worked)
    with st.container(horizontal=True, wrap=True):
        if question.show:
            st.button(
                "Show it on the page",
                key=f"quiz_{topic}_show",
                on_click=show_case,
                args=(question.show,),
                help="Sets the page's settings to this question's case.",
            )
        st.button("Next question", key=f"quiz_{topic}_next", on_click=next_question, args=(topic,))
    answers = progress["answers"].values()
    st.caption(f"{sum(answers)} of {len(answers)} right on this page so far · quiz number {seed}")
    with st.expander("Give a class the same questions"):
        st.markdown(
            f"Add `?{QUIZ_PARAM}={seed}` to this page's address: everyone who opens that link gets the same "
            "questions in the same order."
        )
