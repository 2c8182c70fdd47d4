from customers.login import SESSION_KEY


def test_it_ends_the_session(customer):
    response = customer.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/logout/done/"
    assert SESSION_KEY not in customer.session
    assert customer.get("/my/").status_code == 302
    assert "ログアウトしました" in customer.get("/logout/done/").content.decode()


def test_a_get_does_not_log_out(customer):
    response = customer.get("/logout/")
    assert response.status_code == 405
    assert "画面のボタンやリンクから操作してください" in response.content.decode()
    assert customer.get("/my/").status_code == 200
