/* A program outside the tree, built against the installed libcasus through
 * pkg-config (tests/install/run.sh): it loads the installed world tables and
 * treaties and asks what a South Korean attack on North Korea on 1 March 2025
 * sets off, printing one line per obligation that binds or may bind. */
#include <stdio.h>

#include <casus/who.h>
#include <casus/world.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: korea WORLD_DIR TREATY_DIR\n");
        return 2;
    }
    casus_world *w = NULL;
    casus_error err;
    casus_status st = casus_world_create(&w, &err);
    if (st == CASUS_OK)
        st = casus_world_load_tables(w, argv[1], &err);
    if (st == CASUS_OK)
        st = casus_world_load_treaty_dir(w, argv[2], &err);
    if (st == CASUS_OK)
        st = casus_world_finish(w, &err);
    const casus_state *rok = st == CASUS_OK ? casus_world_state_by_abb(w, "ROK") : NULL;
    const casus_state *prk = st == CASUS_OK ? casus_world_state_by_abb(w, "PRK") : NULL;
    casus_who_result *r = NULL;
    if (st == CASUS_OK && rok && prk) {
        casus_attack a = {.attacker = rok->ccode, .target = prk->ccode, .day = casus_day_from_ymd(2025, 3, 1)};
        st = casus_who(w, &a, 0, &r, &err);
    }
    if (st != CASUS_OK || !r) {
        char buf[1024];
        casus_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "korea: %s\n", buf);
        casus_world_free(w);
        return 1;
    }
    for (size_t i = 0; i < r->n_findings; i++) {
        const casus_finding *f = &r->findings[i];
        char a[12], b[12];
        printf("%s %s -> %s %s Art. %s %s\n", casus_role_str(f->role), casus_world_abb(w, f->obligation->obligor, a),
               casus_world_abb(w, f->obligation->beneficiary, b), f->obligation->treaty->id,
               f->obligation->article->number, casus_truth_str(f->status));
    }
    casus_who_free(r);
    casus_world_free(w);
    return 0;
}
