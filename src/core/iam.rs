//! The project ID of a region, from IAM (docs/contract.md "Project ID from IAM";
//! docs/evs-api.md "IAM: finding a region's project ID"), as Huawei's SDKs find it (`huaweicloudsdkcore`,
//! `BasicCredentials.process_auth_params`): with a key pair and a region but
//! no `projectId`, `GET {iam}/v3/projects?name={region}`, signed with the
//! same pair; exactly one project must come back.

use serde::Deserialize;

use super::arg3_input::{check_id, Input};
use super::endpoint::{url_or_path, Endpoint};
use super::error::EvsError;

/// The regions with an IAM endpoint of their own,
/// `https://iam.{region}.myhuaweicloud.com`: the official SDK's table
/// (`huaweicloudsdkcore/auth/endpoint.py`, 3.1.219). Any other region asks
/// [`GLOBAL_IAM`].
pub const IAM_REGIONS: [&str; 27] = [
    "cn-north-2",
    "cn-north-4",
    "cn-north-1",
    "cn-east-2",
    "cn-east-3",
    "cn-south-1",
    "cn-south-2",
    "cn-southwest-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "af-south-1",
    "sa-brazil-1",
    "la-south-2",
    "na-mexico-1",
    "la-north-2",
    "cn-north-9",
    "eu-west-0",
    "my-kualalumpur-1",
    "ru-moscow-1",
    "me-east-1",
    "ap-southeast-4",
    "ae-ad-1",
    "cn-east-4",
    "cn-east-5",
    "tr-west-1",
    "cn-north-12",
];

/// IAM for the regions not in [`IAM_REGIONS`].
pub const GLOBAL_IAM: &str = "https://iam.myhuaweicloud.com";

/// A project ID to be asked of IAM: where, and for which region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectLookup {
    /// IAM's endpoint.
    pub iam: Endpoint,
    /// The region, which is the project's name.
    pub region: String,
}

/// Where to ask: `iamEndpoint` when given (a URL, or in a browser a
/// same-origin path, since IAM sends no CORS headers), else the SDK's
/// table.
///
/// # Errors
/// `invalid_input` for an `iamEndpoint` that is not a string, an
/// `http:`/`https:` URL or (in a browser) a path.
pub fn iam_endpoint(region: &str, given: &Input, page_origin: Option<&str>) -> Result<Endpoint, EvsError> {
    match given {
        Input::Str(e) => url_or_path("iamEndpoint", e, page_origin),
        Input::Absent if IAM_REGIONS.contains(&region) => {
            Ok(Endpoint { scheme: "https", host: format!("iam.{region}.myhuaweicloud.com"), path_prefix: String::new() })
        }
        Input::Absent => url_or_path("iamEndpoint", GLOBAL_IAM, None),
        other => Err(EvsError::wrong_type("iamEndpoint", "a string", other.type_name())),
    }
}

#[derive(Deserialize)]
struct Projects {
    #[serde(default)]
    projects: Option<Vec<Project>>,
}

#[derive(Deserialize)]
struct Project {
    #[serde(default)]
    id: Input,
}

/// The project ID in IAM's 2xx answer.
///
/// # Errors
/// `invalid_input` when there is no project for the region, or several
/// (their IDs listed), as the SDK refuses both; `invalid_response` for a
/// body that is not IAM's list, or a project ID that is not one path
/// segment.
pub fn read_projects(region: &str, request_id: Option<&str>, body: &[u8]) -> Result<String, EvsError> {
    let bad = |m: String| EvsError::invalid_response(m).with_request_id(request_id);
    let doc: Projects = serde_json::from_slice(body).map_err(|e| bad(format!("IAM's project list is not what the API documents: {e}")))?;
    let projects = doc.projects.ok_or_else(|| bad("IAM's answer has no \"projects\" list".into()))?;
    let mut ids = Vec::with_capacity(projects.len());
    for p in &projects {
        ids.push(check_id("the project ID from IAM", &p.id).map_err(|e| bad(e.message))?);
    }
    match ids.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(EvsError::invalid_input(format!("IAM has no project named \"{region}\" for this key pair: check the region, or give projectId"))
            .with_request_id(request_id)),
        many => Err(EvsError::invalid_input(format!(
            "IAM has {} projects named \"{region}\" ({}): give projectId to choose one",
            many.len(),
            many.join(", ")
        ))
        .with_request_id(request_id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorKind;

    #[test]
    fn where_to_ask() {
        let base = |e: Endpoint| format!("{}://{}{}", e.scheme, e.host, e.path_prefix);
        assert_eq!(base(iam_endpoint("cn-north-4", &Input::Absent, None).unwrap()), "https://iam.cn-north-4.myhuaweicloud.com");
        // A region outside the SDK's table asks the global endpoint.
        assert_eq!(base(iam_endpoint("xx-new-1", &Input::Absent, None).unwrap()), "https://iam.myhuaweicloud.com");
        assert_eq!(base(iam_endpoint("cn-north-4", &"http://127.0.0.1:8081/evs".into(), None).unwrap()), "http://127.0.0.1:8081/evs");
        assert_eq!(base(iam_endpoint("cn-north-4", &"/iam".into(), Some("https://console.example.com")).unwrap()), "https://console.example.com/iam");
        assert_eq!(iam_endpoint("cn-north-4", &"/iam".into(), None).unwrap_err().kind, ErrorKind::InvalidInput);
        assert_eq!(iam_endpoint("cn-north-4", &Input::Num(1.0), None).unwrap_err().message, "iamEndpoint must be a string, not a number");
        assert_eq!(IAM_REGIONS.len(), 27);
    }

    #[test]
    fn one_project_none_or_several() {
        let one = br#"{"projects": [{"id": "0c2eba2c5af04d3f9e9d0d410b371fde", "name": "ap-southeast-1", "enabled": true}], "links": {}}"#;
        assert_eq!(read_projects("ap-southeast-1", None, one).unwrap(), "0c2eba2c5af04d3f9e9d0d410b371fde");
        let e = read_projects("ap-southeast-1", Some("t-1"), br#"{"projects": []}"#).unwrap_err();
        assert_eq!((e.kind, e.request_id.as_deref()), (ErrorKind::InvalidInput, Some("t-1")));
        assert!(e.message.contains("no project named \"ap-southeast-1\""), "{}", e.message);
        let e = read_projects("ap-southeast-1", None, br#"{"projects": [{"id": "aaa1"}, {"id": "bbb2"}]}"#).unwrap_err();
        assert_eq!(e.message, "IAM has 2 projects named \"ap-southeast-1\" (aaa1, bbb2): give projectId to choose one");
        for body in [&b"{"[..], b"[]", br#"{"projects": 5}"#, br#"{"nothing": []}"#, br#"{"projects": [{"id": "a/b"}]}"#] {
            assert_eq!(read_projects("r", None, body).unwrap_err().kind, ErrorKind::InvalidResponse, "{}", String::from_utf8_lossy(body));
        }
    }
}
