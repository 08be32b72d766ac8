/* The compiled-in copy of rules/atlas.yaml (MITRE ATLAS data v5.6), used when the rules
 * directory has no atlas.yaml. Keep in sync with the file: test_findings_atlas compares them. */
#include "atlas.h"

#include <stdio.h>
#include <string.h>

static const struct { const char *uid, *name; } tactics[] = {
    { "AML.TA0000", "AI Model Access" },
    { "AML.TA0001", "AI Attack Staging" },
    { "AML.TA0004", "Initial Access" },
    { "AML.TA0005", "Execution" },
    { "AML.TA0007", "Defense Evasion" },
    { "AML.TA0008", "Discovery" },
    { "AML.TA0010", "Exfiltration" },
    { "AML.TA0011", "Impact" },
    { "AML.TA0012", "Privilege Escalation" },
    { "AML.TA0013", "Credential Access" },
};

/* Parents come before their sub-techniques; tactics are listed primary first. */
static const struct { const char *uid, *name, *tactics[IG_ATLAS_MAX_TACTICS]; } techniques[] = {
    { "AML.T0040", "AI Model Inference API Access", { "AML.TA0000" } },
    { "AML.T0024", "Exfiltration via AI Inference API", { "AML.TA0010" } },
    { "AML.T0024.000", "Infer Training Data Membership", { "AML.TA0010" } },
    { "AML.T0024.001", "Invert AI Model", { "AML.TA0010" } },
    { "AML.T0024.002", "Extract AI Model", { "AML.TA0010" } },
    { "AML.T0043", "Craft Adversarial Data", { "AML.TA0001" } },
    { "AML.T0043.001", "Black-Box Optimization", { "AML.TA0001" } },
    { "AML.T0015", "Evade AI Model", { "AML.TA0004", "AML.TA0007", "AML.TA0011" } },
    { "AML.T0042", "Verify Attack", { "AML.TA0001" } },
    { "AML.T0063", "Discover AI Model Outputs", { "AML.TA0008" } },
    { "AML.T0051", "LLM Prompt Injection", { "AML.TA0005" } },
    { "AML.T0051.000", "Direct", { "AML.TA0005" } },
    { "AML.T0051.001", "Indirect", { "AML.TA0005" } },
    { "AML.T0051.002", "Triggered", { "AML.TA0005" } },
    { "AML.T0054", "LLM Jailbreak", { "AML.TA0012", "AML.TA0007" } },
    { "AML.T0056", "Extract LLM System Prompt", { "AML.TA0010" } },
    { "AML.T0068", "LLM Prompt Obfuscation", { "AML.TA0007" } },
    { "AML.T0057", "LLM Data Leakage", { "AML.TA0010" } },
    { "AML.T0055", "Unsecured Credentials", { "AML.TA0013" } },
    { "AML.T0034", "Cost Harvesting", { "AML.TA0011" } },
    { "AML.T0034.000", "Excessive Queries", { "AML.TA0011" } },
    { "AML.T0034.001", "Resource-Intensive Queries", { "AML.TA0011" } },
    { "AML.T0029", "Denial of AI Service", { "AML.TA0011" } },
};

void ig_atlas_builtin(struct ig_atlas *a)
{
    memset(a, 0, sizeof *a);
    snprintf(a->version, sizeof a->version, "ATLAS 5.6");
    for (size_t i = 0; i < IG_ARRAY_LEN(tactics); i++) {
        snprintf(a->tactic_uid[i], sizeof a->tactic_uid[i], "%s", tactics[i].uid);
        snprintf(a->tactic_name[i], sizeof a->tactic_name[i], "%s", tactics[i].name);
    }
    a->ntactics = IG_ARRAY_LEN(tactics);
    for (size_t i = 0; i < IG_ARRAY_LEN(techniques); i++) {
        struct ig_atlas_technique *t = &a->techniques[a->ntechniques];
        snprintf(t->uid, sizeof t->uid, "%s", techniques[i].uid);
        snprintf(t->name, sizeof t->name, "%s", techniques[i].name);
        t->parent = UINT32_MAX;
        const char *dot = strchr(t->uid + 4, '.');   /* "AML." prefix, then ".NNN" for subs */
        if (dot) {
            for (uint32_t p = 0; p < a->ntechniques; p++)
                if (strlen(a->techniques[p].uid) == (size_t)(dot - t->uid) &&
                    memcmp(a->techniques[p].uid, t->uid, (size_t)(dot - t->uid)) == 0)
                    t->parent = p;
        }
        for (size_t k = 0; k < IG_ATLAS_MAX_TACTICS && techniques[i].tactics[k]; k++)
            for (uint32_t j = 0; j < a->ntactics; j++)
                if (strcmp(a->tactic_uid[j], techniques[i].tactics[k]) == 0)
                    t->tactics[t->ntactics++] = j;
        a->ntechniques++;
    }
}

const struct ig_atlas_technique *ig_atlas_find(const struct ig_atlas *a, const char *uid)
{
    if (!uid)
        return NULL;
    for (uint32_t i = 0; i < a->ntechniques; i++)
        if (strcmp(a->techniques[i].uid, uid) == 0)
            return &a->techniques[i];
    return NULL;
}
