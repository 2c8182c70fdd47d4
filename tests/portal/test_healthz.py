def test_it_answers_without_the_database_or_a_cookie(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert b"OK" in response.content
    assert not response.cookies
